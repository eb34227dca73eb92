"""The static site: every resource, page, dump and description as files, plus the web
server configuration that negotiates between them (`ctc-kg build --site DIR`).

The files are captured from the server's own app (`ctc_kg.web.app.create_app`, driven by
its test client), so a resource's file holds the bytes `ctc-kg serve` answers for it:
the two cannot drift. Public entry points:

- site:     export_site, SiteResult
- layout:   Negotiable, variant_file, DEFAULT_LANGUAGE
- nginx:    nginx_http_conf, nginx_server_conf
- apache:   htaccess, type_map
- w3id:     w3id_htaccess
"""
