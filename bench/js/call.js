// Call one of the measuring functions that bench/js/page.js and bench/js/app.js install as window.qtmapBench:
// page.evaluate(CALL, [name, [arguments...]]). Parameters travel as arguments, never as text in the code.
([name, args]) => window.qtmapBench[name](...args)
