"""The look-up endpoint is documented in the OpenAPI schema."""

from drf_spectacular.generators import SchemaGenerator

from sambruk.core.persons.tests.urls import urlpatterns


def test_lookup_is_documented():
    schema = SchemaGenerator(patterns=urlpatterns[:1]).get_schema(request=None, public=True)
    operation = schema["paths"]["/api/persons/lookup/"]["post"]
    assert operation["operationId"] == "persons_lookup"
    assert set(operation["responses"]) == {"200", "400", "403", "404"}
    request_schema = schema["components"]["schemas"]["PersonLookupRequestRequest"]
    assert set(request_schema["required"]) == {"personnummer", "purpose"}
    person = schema["components"]["schemas"]["Person"]["properties"]
    assert person["street_address"]["nullable"] is True
