def summary = new File(basedir, 'target/eval/harmfulness-summary.json')
def samples = new File(basedir, 'target/eval/harmfulness.jsonl')
assert summary.isFile() && samples.isFile() : 'evaluate wrote no output'
assert samples.readLines().size() == 6 : 'one JSONL line per sampled prompt'
def json = new groovy.json.JsonSlurper().parse(summary)
assert json.prompt_set.items == 6
def log = new File(basedir, 'build.log').text
assert log.contains('harmfulness of ') && log.contains('on 6 prompts')
return true
