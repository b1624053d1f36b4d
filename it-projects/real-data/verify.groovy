// Checks that the real-data experiment wrote every result, with sane ranges.
def safety = new File(basedir, 'target/safety')
def rows = new File(safety, 'projection/projection.csv').readLines()
def header = rows[0].split(',', -1) as List
def table = rows.drop(1).collect { [header, it.split(',', -1) as List].transpose().collectEntries() }
assert table.size() == 5 + 3 * 2 * 3 * 3 : "expected 59 rows, found ${table.size()}"
table.each { row ->
    ['utility_strict', 'harmfulness', 'refusal_rate'].each { column ->
        def value = row[column] as double
        assert value >= 0 && value <= 1 : "${column} = ${value} in ${row}"
    }
}
['aligned', 'useful'].each { model ->
    assert new File(safety, "eval/${model}-over-refusal-summary.json").isFile() : "no over-refusal summary for ${model}"
}
assert new File(safety, 'summary.md').isFile()
def training = new File(safety, 'models/harmful/training.json').text
assert training.contains('"range": "261-520"') : 'the harmful fine-tune records its AdvBench rows'
return true
