"""The knowledge graph as files: load, validate, build dumps, describe.

Imports neither `ctc_kg.web` nor `ctc_kg.store`: usable alone, by `ctc-kg build` and by
static exports. The public entry points:

- load:      content_files, load_content, load_dataset, load_paths, union_graph, rebase
- validate:  validate, validate_content, ValidationReport, Violation
- build:     build, write_folder, gzip_bytes, checksums
- describe:  describe_dataset, service_description
- context:   context_document, document_loader, to_compacted_jsonld
"""
