"""HTTP: the Flask app, its routes, content negotiation, the response cache and the HTML pages."""
