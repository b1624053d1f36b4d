def output = new File(basedir, 'target/stories260K-hf')
['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'].each {
    assert new File(output, it).isFile() : "missing ${it} in ${output}"
}
def log = new File(basedir, 'build.log').text
assert log.contains('5 layers, hidden size 64') : 'import-llama2c did not report the model shape'
assert log.contains('Completion: " upon a time') : 'generate from the converted directory did not continue the story'
return true
