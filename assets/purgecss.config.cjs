// `make assets`: Bootstrap's published CSS (assets/bootstrap-5.3.8/) trimmed to the
// selectors this site can use, written to static/vendor/bootstrap-5.3.8/ and committed,
// so neither `make run` nor `make test` needs npm.
//
// A selector is kept when each class, id and element in it appears as a word in
// any file below: our templates, JavaScript and Python (tables.py and forms build
// class names in Python), and the templates and renderers of django-bootstrap5 and
// django-tables2, whose directories the Makefile passes in KPI_PYTHON_PACKAGES.
// Matching words, not parsing templates, keeps too much rather than too little.
const packages = (process.env.KPI_PYTHON_PACKAGES || "").split(":").filter(Boolean);
if (packages.length !== 2) {
  throw new Error("KPI_PYTHON_PACKAGES must name django_bootstrap5 and django_tables2");
}

module.exports = {
  css: ["assets/bootstrap-5.3.8/bootstrap.min.css"],
  content: [
    "templates/**/*.html",
    "static/js/**/*.js",
    "{accounts,api,kpitracker,ledger,notices,oversight,targets}/**/*.py",
    ...packages.map((dir) => `${dir}/**/*.{html,py}`),
  ],
  // Classes that appear only at run time: the phone menu's open and moving states
  // (static/js/menu.js). The custom properties app.css reads from Bootstrap.
  safelist: {
    // django-bootstrap5 builds the size class of `{% bootstrap_field … size="sm" %}`
    // (templates/*/filter forms) from parts: the whole word is in no file.
    standard: ["show", "collapsing", "form-control-sm", "form-select-sm"],
    variables: ["--bs-border-color", "--bs-link-color", "--bs-secondary-color"],
  },
  // Input types come from Django's widgets (a radio in the report import's form),
  // never as words in a file: keep every [type=…] rule of a kept class.
  dynamicAttributes: ["type"],
  // Unused @keyframes go (spinners, striped progress bars); the custom properties
  // all stay, as Bootstrap's rules read them through var().
  keyframes: true,
  variables: true,
};
