"""Start-up and process management, between the `ctc-kg` command and the app.

What runs before a request can be answered, and the processes that answer: no Flask here,
only the preparation of a data version and the processes around the WSGI app.

- prepare:       load, validate and build the content, write the store (`prepare`, for
                 `serve` and `reload`; `prepare_built`, for a build already written)
- version_cache: validated, built versions kept for the next start
- isolated:      one function run in a fresh child process (the preparation, for serve)
- serve:         `ctc-kg serve`: granian's master, its workers, SIGHUP reloads
- reload:        `ctc-kg reload` and the status file the master writes for it
- access_log:    the JSON access-log lines, written by one thread per worker process
- site:          `ctc-kg build --site`: the static site from the build just written

The layers (pyproject.toml, `[tool.importlinter]`): cli -> runtime -> web, export ->
store -> content -> config, errors.
"""
