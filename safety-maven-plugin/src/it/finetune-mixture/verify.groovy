def output = new File(basedir, 'target/safety/models/finetuned')
['config.json', 'model.safetensors', 'tokenizer.json', 'prompt_template.json', 'train-log.csv', 'training.json'].each {
    assert new File(output, it).isFile() : "missing ${it} in ${output}"
}
def csv = new File(output, 'train-log.csv').readLines()
assert csv[0] == 'step,epoch,loss,learning_rate,grad_norm,tokens'
assert csv.size() == 21 : "expected 20 steps, got ${csv.size() - 1}"

def record = new groovy.json.JsonSlurper().parse(new File(output, 'training.json'))
def components = record.inputs.data.components
assert components*.name == ['useful', 'harmful']
assert components[1].filters == ['is_safe=false']
assert record.results.examples == 6 : '4 useful rows plus half as many harmful ones'

def log = new File(basedir, 'build.log').text
assert log.contains('step 20/20') : 'no progress line for the last step'
assert log.contains('Skipping fine-tuning') : 'the second run with the same inputs was not skipped'
assert log.contains('Using the prompt template recorded in the checkpoint')
return true
