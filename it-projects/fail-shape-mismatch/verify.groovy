// The build failed, naming the fine-tune and the tensors whose shapes differ.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains("Fine-tune 'useful' does not match the tensors of the aligned model") : 'no shape message'
assert log.contains('model.embed_tokens.weight [96, 32] (the aligned model: [512, 64])') : 'the message names a tensor and both shapes'
assert !new File(basedir, 'target/safety/projection/projection.csv').exists() : 'no partial CSV'
return true
