"""The OpenAPI document a partner integrates from: realistic examples, formats, this API's URLs."""

import json

from partners.api.intake import ReferralValidator


def test_examples_and_formats(admin_client):
    schema = admin_client.get("/api/schema/?format=json").json()
    text = json.dumps(schema)
    assert "api.example.org/accounts" not in text
    operation = schema["paths"]["/api/v1/referrals/"]["post"]
    example = operation["requestBody"]["content"]["application/json"]["examples"]
    (value,) = [e["value"] for e in example.values()]
    # The example is a valid body (a valid INSZ, codes and dates).
    validated = ReferralValidator().serializer_validate(value)
    assert validated["person"]["insz"] == "85073003328"
    person = schema["components"]["schemas"]["ReferralPersonRequest"]["properties"]
    assert "^[A-Z]{2}$" in person["nationality"]["description"]
    assert "^[a-z]{2,3}$" in person["mother_tongue"]["description"]
    assert "NIS" in person["municipality_nis"]["description"]
    assert "/api/v1/webhooks/{id}/rotate-secret/" in schema["paths"]
    assert "/api/v1/webhook-deliveries/{id}/retry/" in schema["paths"]
