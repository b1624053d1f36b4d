// The build failed, naming the data file, the row and the missing field.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('arithmetic-train.jsonl') : 'the message names the file'
assert log.contains('question') : 'the message names the field'
assert log.contains('Row 1 of') : 'the message names the row'
assert !new File(basedir, 'target/safety/models/useful').exists()
return true
