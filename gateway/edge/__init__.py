"""The HTTP edge: the Litestar app factory, problem details, OpenAPI, the fast lane, route
versions and what is recorded of each request."""
