"""The offline API reference: schema types in words, and a page built from a small OpenAPI
document listing every operation, parameter, response and schema, with spec text escaped."""

from __future__ import annotations

import re

import pytest

from storytrace.web.docs import docs_page, schema_type


@pytest.mark.parametrize(
    ("schema", "text"),
    [
        ({"$ref": "#/components/schemas/StoryList"}, '<a href="#schema-StoryList">StoryList</a>'),
        ({"type": "array", "items": {"type": "string"}}, "array of string"),
        ({"anyOf": [{"type": "string"}, {"type": "null"}]}, "string | null"),
        ({"allOf": [{"$ref": "#/x/A"}, {"$ref": "#/x/B"}]}, '<a href="#schema-A">A</a> & <a href="#schema-B">B</a>'),
        ({"type": ["integer", "null"]}, "integer | null"),
        ({"type": "array", "prefixItems": [{"type": "integer"}, {"type": "integer"}]}, "[integer, integer]"),
        ({"type": "object", "additionalProperties": True}, "object"),
        ({"type": "object", "additionalProperties": {"type": "number"}}, "object of number"),
        ({"type": "string", "enum": ["origin", "derived"]}, "string (origin, derived)"),
        ({"type": "string", "format": "date"}, 'string <span class="muted">date</span>'),
        ({}, "any"),
        ("not a schema", "any"),
    ],
)
def test_schema_type(schema, text):
    assert schema_type(schema) == text


SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "storytrace <API>", "version": "9.9", "description": "Reports & stories."},
    "paths": {
        "/api/stories/{story_id}": {
            "get": {
                "summary": "One story",
                "description": "First paragraph.\n\nSecond <paragraph>.",
                "parameters": [
                    {"name": "story_id", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}},
                ],
                "responses": {
                    "200": {"description": "The story", "content": {"application/json": {"schema": {"$ref": "#/c/Story"}}}}
                },
            }
        },
        "/api/reports": {
            "post": {
                "requestBody": {"description": "Reports to add", "content": {"application/json": {"schema": {"type": "array"}}}},
                "responses": {"202": {"description": "Accepted"}},
                "security": [{"bearer": []}],
            }
        },
    },
    "components": {
        "schemas": {
            "Story": {
                "description": "A story.",
                "properties": {"id": {"type": "string", "description": "Its id."}, "size": {"type": "integer"}},
                "required": ["id"],
            },
            "Label": {"type": "string", "enum": ["a", "b"]},
        }
    },
}


def test_docs_page_lists_every_operation_with_an_anchor():
    html = docs_page(SPEC)
    assert 'href="#op-get--api-stories-story_id"' in html and 'id="op-get--api-stories-story_id"' in html
    assert 'href="#op-post--api-reports"' in html and 'id="op-post--api-reports"' in html


def test_docs_page_shows_parameters_bodies_responses_and_auth():
    html = docs_page(SPEC)
    assert "<p>First paragraph.</p><p>Second &lt;paragraph&gt;.</p>" in html
    assert re.search(
        r"<code>limit</code></td><td>query</td><td>no</td><td>integer <span class=\"muted\">minimum=1, maximum=500, default=50</span>",
        html,
    )
    assert "<code>story_id</code></td><td>path</td><td>yes</td>" in html
    assert "<h4>Request body</h4><p>Reports to add</p>" in html
    assert "<code>202</code></td><td>Accepted</td>" in html
    assert html.count("Authorization: Bearer") == 1  # only the operation with security


def test_docs_page_shows_schemas_sorted_with_required_fields():
    html = docs_page(SPEC)
    assert html.index('id="schema-Label"') < html.index('id="schema-Story"')
    assert "<code>id</code></td><td>string</td><td>yes</td><td>Its id.</td>" in html
    assert "<code>size</code></td><td>integer</td><td>no</td>" in html
    assert "<p>string (a, b)</p>" in html


def test_docs_page_escapes_the_spec_text():
    html = docs_page(SPEC)
    assert "storytrace &lt;API&gt;" in html and "Reports &amp; stories." in html
    assert "<API>" not in html
