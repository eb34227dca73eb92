"""The bare app: Flask + pyoxigraph, no protections (issue 16, target 2).

What ctc-kg would be without its protections: no time limit (the query runs in the
request thread and cannot be stopped), no row cap, no SERVICE allow-list, no IRI
rewriting, no content negotiation, no concurrency limit, no access log. The benchmark
serves it the way ctc-kg is served (granian WSGI, the same workers and threads:
`BareApp` in contenders.py), so ctc-kg / bare is the price of the protections.
"""

import os

import pyoxigraph as ox
from flask import Flask, Response, request

app = Flask(__name__)
store = ox.Store()
store.bulk_load(path=os.environ["BENCH_BARE_NQUADS"], format=ox.RdfFormat.N_QUADS)
# The default graph is the merge of every graph, a set: ctc-kg's store does the same.
store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")


@app.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    result = store.query(request.values["query"])
    if isinstance(result, ox.QuerySolutions):
        body = result.serialize(format=ox.QueryResultsFormat.JSON)
        return Response(body, mimetype="application/sparql-results+json")
    if isinstance(result, ox.QueryTriples):
        return Response(result.serialize(format=ox.RdfFormat.TURTLE), mimetype="text/turtle")
    answer = b'{"head":{},"boolean":%s}' % (b"true" if result else b"false")
    return Response(answer, mimetype="application/sparql-results+json")
