def log = new File(basedir, 'build.log').text
assert log.contains('generate failed: Model not found: ') : 'the failure does not say that the model is missing'
assert log.contains('no-such-model.bin') : 'the failure does not name the path'
assert log.contains('-Dsafety.model=PATH') : 'the failure does not name the switch to fix'
assert !log.contains('MojoExecutionException') : 'a missing input is a build failure, not a plugin error'
return true
