// The build failed, and the message names the missing model and the fix.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('Model not found: ') : 'no message about the model'
assert log.contains('models/stories260K.bin') : 'the message names the path'
assert !new File(basedir, 'target/safety/models/aligned').exists() : 'nothing is written for the failed run'
return true
