// The build failed on the frac before loading any model.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('Invalid frac 1.5') : 'the message names the frac'
assert log.contains('(0, 1]') : 'the message gives the valid range'
assert !new File(basedir, 'target/safety/projection').exists() : 'nothing is written'
return true
