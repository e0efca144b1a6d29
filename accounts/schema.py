"""OpenAPI description of the API key authentication (`Authorization: Token <key>`)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ApiKeyAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "An API key prefixed with `Token`, e.g. `Token 9944b09199c62bcf9418ad846dd0e4bb`. "
            "`python manage.py create_api_client` issues keys.",
        }
