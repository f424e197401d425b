package admission

// MaxWaitForTest exposes maxWait to the external tests.
var MaxWaitForTest = maxWait
