"""OAI-PMH 2.0: reading a request (:mod:`.arguments`) and answering it (:mod:`.harvest`); the
HTTP side (GET query or POST form, OpenAPI) is the route, :mod:`app.api.routes.oai`."""
