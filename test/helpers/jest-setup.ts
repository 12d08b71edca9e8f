/**
 * Before each test file (jest's setupFiles). slonik's logger (roarr) adds an 'error' listener to process.stdout
 * when it is loaded, and jest loads it afresh for every test file a worker runs: past ten files Node warned of a
 * listener leak ("11 error listeners added to [Socket]") that is jest's module registry, not pod-migrate (the
 * executable loads roarr once). A worker's stdout takes one per test file; a real leak would still pass 200.
 */
process.stdout.setMaxListeners(200);
