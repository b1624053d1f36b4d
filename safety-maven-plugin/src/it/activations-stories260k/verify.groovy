// Two models, 6 hidden states each (stories260K has 5 layers), one pair, 2 centring choices, 8 etas.
def output = new File(basedir, 'target/safety/activations')
def log = new File(basedir, 'build.log').text
for (model in ['base', 'copy']) {
    def csv = new File(output, "activations-${model}.csv")
    assert csv.isFile() : "missing ${csv}"
    def lines = csv.readLines()
    assert lines[0] == 'model,layer,pair,eta,centred,kx,ky,D,mso,random_baseline'
    assert lines.size() == 1 + 6 * 2 * 8 : "${csv} has ${lines.size() - 1} rows"
    assert lines.drop(1).every { it.startsWith("${model},") && it.contains(',useful-harmful,') }
    assert new File(output, "activations-${model}.safetensors").isFile()
    assert log.contains("Captured set 'useful' of ${model}: 64 prompts")
    assert log.contains("Captured set 'harmful' of ${model}: 64 prompts")
}
// The same checkpoint under two names gives the same numbers.
def rows = { model ->
    new File(output, "activations-${model}.csv").readLines().drop(1).collect { it.substring(it.indexOf(',')) }
}
assert rows('base') == rows('copy')
assert output.listFiles().findAll { it.name.startsWith('.') }.isEmpty() : 'a temporary file was left'
return true
