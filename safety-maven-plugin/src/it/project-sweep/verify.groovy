def csv = new File(basedir, 'target/safety/projection/projection.csv').readLines()
assert csv[0] == 'finetune,basis,method,frac,energy_kept,cos_task_kept,cos_task_align,rank_limited_tensors,degenerate,utility_strict,utility_flexible,harmfulness,refusal_rate'
assert csv.size() == 1 + 3 + 2 * 2 * 2 : "expected 3 reference rows and 8 cells, got ${csv.size() - 1} rows"
assert new File(basedir, 'target/safety/projection/projection-layers.csv').isFile()
assert new File(basedir, 'target/safety/projection/eval/useful-top_k-same-0.5-utility.jsonl').isFile()
def log = new File(basedir, 'build.log').text
assert log.contains('Projection 8/8')
assert log.contains('SVDs computed')
return true
