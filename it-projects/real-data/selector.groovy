// Runs the real-data experiment only when its data folder is present. Under CI its absence is an
// error, so that a missing folder never passes as a skipped run.
def required = ['models/stories260K/stories260K.bin', 'gsm8k/train.jsonl', 'gsm8k/test.jsonl',
                'advbench/advbench.csv', 'xstest/xstest_prompts.csv',
                'safety-tuned/safety_only_data_Instructions.json']
def missing = required.findAll { !new File(dataDir, it).isFile() }
if (missing.isEmpty()) {
    return true
}
def message = "the data folder ${dataDir} lacks ${missing.join(', ')}"
if (System.getenv('CI') == 'true') {
    throw new IllegalStateException("CI=true but ${message}. Set -Dsafety.dataDir=DIR.")
}
println "Skipping real-data: ${message}. To run it, set -Dsafety.dataDir=DIR to a folder with these files" +
        " (see docs/results.md), for example: ./mvnw -B verify -Dinvoker.test=real-data -Dsafety.dataDir=../shared/data"
return false
