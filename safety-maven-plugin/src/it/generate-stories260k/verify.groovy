// Greedy decoding of stories260K from BOS; the text was checked with llama2.c's own run.c.
def expected = 'Completion: "Once upon a time, there was a little girl named Lily. She loved to play outside ' +
        'in the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high'
def log = new File(basedir, 'build.log').text
assert log.contains(expected) : "build.log lacks the known stories260K text: ${expected}"
assert log.contains('Generated 60 tokens')
return true
