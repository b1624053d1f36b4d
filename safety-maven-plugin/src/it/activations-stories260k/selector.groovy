// Runs an integration test only when the shared data folder it reads is present; under CI its
// absence is an error, so that a missing folder never passes as a skipped test.
def marker = new File(sharedData, 'models/stories260K/stories260K.bin')
if (marker.isFile()) {
    return true
}
if (System.getenv('CI') == 'true') {
    throw new IllegalStateException("CI=true but the shared data is missing: ${marker}. Set -Dsafety.sharedData=DIR.")
}
println "Skipping ${basedir.name}: ${marker} not found. Set -Dsafety.sharedData=DIR to the shared data folder to run it."
return false
