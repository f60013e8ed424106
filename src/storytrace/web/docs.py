"""A self-contained API reference rendered on the server from the OpenAPI document.

FastAPI's own /docs loads Swagger UI from a CDN, which an offline install cannot reach; this
page needs nothing but the spec: paths, methods, parameters, bodies, responses, schemas.
"""

from __future__ import annotations

from typing import Any

from storytrace.web.pages import esc, page

_METHODS = ("get", "post", "put", "patch", "delete")


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def schema_type(schema: Any) -> str:
    """A short HTML description of a schema: links for $refs, arrays, unions, enums."""
    if not isinstance(schema, dict):
        return "any"
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return f'<a href="#schema-{esc(name)}">{esc(name)}</a>'
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            sep = " & " if key == "allOf" else " | "
            return sep.join(schema_type(s) for s in schema[key])
    kind = schema.get("type")
    if isinstance(kind, list):
        return " | ".join(esc(k) for k in kind)
    if kind == "array":
        if "prefixItems" in schema:
            return "[" + ", ".join(schema_type(s) for s in schema["prefixItems"]) + "]"
        return "array of " + schema_type(schema.get("items"))
    if kind == "object" and "additionalProperties" in schema and not schema.get("properties"):
        extra = schema["additionalProperties"]
        return "object" if extra is True else "object of " + schema_type(extra)
    text = esc(kind or "any")
    if "enum" in schema:
        text += " (" + ", ".join(esc(v) for v in schema["enum"]) + ")"
    if "format" in schema:
        text += f' <span class="muted">{esc(schema["format"])}</span>'
    return text


def _constraints(schema: dict) -> str:
    keys = ("minimum", "maximum", "minLength", "maxLength", "default")
    parts = [f"{k}={esc(schema[k])}" for k in keys if k in schema]
    return f' <span class="muted">{", ".join(parts)}</span>' if parts else ""


def _content(content: dict) -> str:
    rows = []
    for media, body in (content or {}).items():
        rows.append(f"<li><code>{esc(media)}</code>: {schema_type(body.get('schema'))}</li>")
    return "<ul>" + "".join(rows) + "</ul>" if rows else ""


def _operation(path: str, method: str, op: dict) -> str:
    anchor = f"op-{method}-{path}".replace("/", "-").replace("{", "").replace("}", "")
    parts = [
        f'<section class="op" id="{esc(anchor)}"><h3><span class="pill">{esc(method.upper())}</span> <code>{esc(path)}</code></h3>'
    ]
    if op.get("summary"):
        parts.append(f"<p><strong>{esc(op['summary'])}</strong></p>")
    if op.get("description"):
        parts.append("".join(f"<p>{esc(p)}</p>" for p in str(op["description"]).split("\n\n")))
    params = op.get("parameters") or []
    if params:
        rows = []
        for p in params:
            schema = p.get("schema") or {}
            rows.append(
                f"<tr><td><code>{esc(p.get('name'))}</code></td><td>{esc(p.get('in'))}</td>"
                f"<td>{'yes' if p.get('required') else 'no'}</td><td>{schema_type(schema)}{_constraints(schema)}</td>"
                f"<td>{esc(p.get('description') or schema.get('description') or '')}</td></tr>"
            )
        parts.append(
            "<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th>required</th><th>type</th><th>description</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
    body = op.get("requestBody")
    if body:
        parts.append("<h4>Request body</h4>")
        if body.get("description"):
            parts.append(f"<p>{esc(body['description'])}</p>")
        parts.append(_content(body.get("content") or {}))
    responses = op.get("responses") or {}
    if responses:
        rows = []
        for code, resp in responses.items():
            media = _content(resp.get("content") or {})
            rows.append(
                f"<tr><td><code>{esc(code)}</code></td><td>{esc(resp.get('description') or '')}</td><td>{media}</td></tr>"
            )
        parts.append(
            "<h4>Responses</h4><table><thead><tr><th>status</th><th>description</th><th>body</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
    if op.get("security"):
        parts.append('<p class="muted">Needs <code>Authorization: Bearer &lt;token&gt;</code> when the server has a token.</p>')
    parts.append("</section>")
    return "".join(parts)


def _schema(name: str, schema: dict) -> str:
    parts = [f'<section id="schema-{esc(name)}"><h3>{esc(name)}</h3>']
    if schema.get("description"):
        parts.append(f"<p>{esc(schema['description'])}</p>")
    props = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    if props:
        rows = [
            f"<tr><td><code>{esc(k)}</code></td><td>{schema_type(v)}{_constraints(v)}</td><td>{'yes' if k in required else 'no'}</td>"
            f"<td>{esc(v.get('description') or '')}</td></tr>"
            for k, v in props.items()
        ]
        parts.append(
            "<table><thead><tr><th>field</th><th>type</th><th>required</th><th>description</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
    else:
        parts.append(f"<p>{schema_type(schema)}</p>")
    parts.append("</section>")
    return "".join(parts)


def docs_page(spec: dict) -> str:
    info = spec.get("info") or {}
    ops = []
    toc = []
    for path, item in (spec.get("paths") or {}).items():
        for method in _METHODS:
            if method in item:
                ops.append(_operation(path, method, item[method]))
                anchor = f"op-{method}-{path}".replace("/", "-").replace("{", "").replace("}", "")
                toc.append(f'<li><a href="#{esc(anchor)}"><code>{esc(method.upper())} {esc(path)}</code></a></li>')
    schemas = (spec.get("components") or {}).get("schemas") or {}
    body = (
        f'<h1>{esc(info.get("title") or "API")} <span class="muted">{esc(info.get("version") or "")}</span></h1>'
        + (f"<p>{esc(info['description'])}</p>" if info.get("description") else "")
        + '<p>Machine-readable: <a href="/openapi.json"><code>/openapi.json</code></a> (OpenAPI '
        + esc(spec.get("openapi") or "")
        + ").</p><h2>Endpoints</h2><ul>"
        + "".join(toc)
        + "</ul>"
        + "".join(ops)
        + "<h2>Schemas</h2>"
        + "".join(_schema(name, s) for name, s in sorted(schemas.items()))
    )
    return page("storytrace — API", body)
