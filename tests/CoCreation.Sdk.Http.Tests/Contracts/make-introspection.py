#!/usr/bin/env python3
"""Writes shop.introspection.json from shop.graphql, as a server answers the standard introspection query.

Reads only the subset of SDL the fixture uses (no descriptions, one field or value list per block) and adds the
introspection types and the built-in directives a server reports. Run from this folder after changing shop.graphql:
    python3 make-introspection.py > shop.introspection.json
"""
import json
import re
from pathlib import Path

META = """
type __Schema {
  description: String
  types: [__Type!]!
  queryType: __Type!
  mutationType: __Type
  subscriptionType: __Type
  directives: [__Directive!]!
}

type __Type {
  kind: __TypeKind!
  name: String
  description: String
  specifiedByURL: String
  fields(includeDeprecated: Boolean = false): [__Field!]
  interfaces: [__Type!]
  possibleTypes: [__Type!]
  enumValues(includeDeprecated: Boolean = false): [__EnumValue!]
  inputFields(includeDeprecated: Boolean = false): [__InputValue!]
  ofType: __Type
}

type __Field {
  name: String!
  description: String
  args(includeDeprecated: Boolean = false): [__InputValue!]!
  type: __Type!
  isDeprecated: Boolean!
  deprecationReason: String
}

type __InputValue {
  name: String!
  description: String
  type: __Type!
  defaultValue: String
  isDeprecated: Boolean!
  deprecationReason: String
}

type __EnumValue {
  name: String!
  description: String
  isDeprecated: Boolean!
  deprecationReason: String
}

type __Directive {
  name: String!
  description: String
  isRepeatable: Boolean!
  locations: [__DirectiveLocation!]!
  args(includeDeprecated: Boolean = false): [__InputValue!]!
}

enum __TypeKind { SCALAR OBJECT INTERFACE UNION ENUM INPUT_OBJECT LIST NON_NULL }

enum __DirectiveLocation { QUERY MUTATION SUBSCRIPTION FIELD FRAGMENT_DEFINITION FRAGMENT_SPREAD INLINE_FRAGMENT VARIABLE_DEFINITION SCHEMA SCALAR OBJECT FIELD_DEFINITION ARGUMENT_DEFINITION INTERFACE UNION ENUM ENUM_VALUE INPUT_OBJECT INPUT_FIELD_DEFINITION }

directive @include(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
directive @skip(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
directive @deprecated(reason: String = "No longer supported") on FIELD_DEFINITION | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION | ENUM_VALUE
"""

SDL = (Path(__file__).with_name("shop.graphql").read_text(encoding="utf-8") + "\n" + META)
# A tiny SDL reader for the fixture's own subset (no descriptions, one definition per block).
sdl = re.sub(r'#.*', '', SDL)
directives = []
schema_roots = {}
def typeref(t):
    t = t.strip()
    if t.endswith('!'):
        return {"kind": "NON_NULL", "name": None, "ofType": typeref(t[:-1])}
    if t.startswith('['):
        return {"kind": "LIST", "name": None, "ofType": typeref(t[1:-1])}
    return {"kind": KIND[t], "name": t, "ofType": None}
def split_args(s):
    out, depth, cur = [], 0, ''
    for ch in s:
        if ch in '[': depth += 1
        if ch in ']': depth -= 1
        if ch == ',' and depth == 0:
            out.append(cur); cur = ''
        else: cur += ch
    if cur.strip(): out.append(cur)
    return [a.strip() for a in out if a.strip()]
def input_value(a):
    m = re.match(r'(\w+)\s*:\s*([^=]+?)\s*(?:=\s*(.+))?$', a)
    return {"name": m.group(1), "description": None, "type": typeref(m.group(2)), "defaultValue": m.group(3)}
dirlines = re.findall(r'^directive\s+(.*)$', sdl, re.M)
sdl = re.sub(r'^directive.*$', '', sdl, flags=re.M)
blocks = [('directive', h, '', '') for h in dirlines] + re.findall(r'\b(scalar|enum|interface|type|union|input|directive|schema)\s*([^{\n]*?)\s*(?:\{([^}]*)\}|=([^\n]*)|(?=\n))', sdl)
KIND = {}
for kw, head, body, union in blocks:
    name = head.split()[0] if head else None
    k = {"scalar": "SCALAR", "enum": "ENUM", "interface": "INTERFACE", "type": "OBJECT", "union": "UNION", "input": "INPUT_OBJECT"}.get(kw)
    if k: KIND[name] = k
for b in ["Int", "Float", "String", "Boolean", "ID"]:
    KIND[b] = "SCALAR"
parsed = {}
for kw, head, body, union in blocks:
    if kw == 'schema':
        for line in body.strip().splitlines():
            op, t = [x.strip() for x in line.split(':')]
            schema_roots[op] = t
        continue
    if kw == 'directive':
        m = re.match(r'@(\w+)\s*(?:\((.*)\))?\s*on\s*(.+)', head)
        directives.append({"name": m.group(1), "description": None, "locations": [l.strip() for l in m.group(3).split('|')],
                           "args": [input_value(a) for a in split_args(m.group(2) or '')], "isRepeatable": False})
        continue
    name = head.split()[0]
    t = {"kind": KIND[name], "name": name, "description": None, "specifiedByURL": None, "fields": None, "inputFields": None,
         "interfaces": None, "enumValues": None, "possibleTypes": None}
    impl = re.search(r'implements\s+(.+)', head)
    if kw in ('type', 'interface'):
        t["interfaces"] = [{"kind": "INTERFACE", "name": i.strip(), "ofType": None} for i in impl.group(1).split('&')] if impl else []
        fields = []
        for line in body.strip().splitlines():
            line = line.strip()
            if not line: continue
            m = re.match(r'(\w+)\s*(?:\((.*)\))?\s*:\s*(.+)$', line)
            fields.append({"name": m.group(1), "description": None, "args": [input_value(a) for a in split_args(m.group(2) or '')],
                           "type": typeref(m.group(3)), "isDeprecated": False, "deprecationReason": None})
        t["fields"] = fields
    if kw == 'input':
        t["inputFields"] = [input_value(l.strip()) for l in body.strip().splitlines() if l.strip()]
    if kw == 'enum':
        t["enumValues"] = [{"name": v, "description": None, "isDeprecated": False, "deprecationReason": None} for v in body.split()]
    if kw == 'union':
        t["possibleTypes"] = [{"kind": "OBJECT", "name": m.strip(), "ofType": None} for m in union.split('|')]
    parsed[name] = t
for t in parsed.values():
    if t["kind"] == "INTERFACE":
        t["possibleTypes"] = [{"kind": "OBJECT", "name": o["name"], "ofType": None} for o in parsed.values()
                              if o["kind"] == "OBJECT" and any(i["name"] == t["name"] for i in o["interfaces"])]
for b in ["Int", "Float", "String", "Boolean", "ID"]:
    parsed.setdefault(b, {"kind": "SCALAR", "name": b, "description": None, "specifiedByURL": None, "fields": None, "inputFields": None,
         "interfaces": None, "enumValues": None, "possibleTypes": None})
root = lambda op: {"name": schema_roots[op]} if op in schema_roots else None
out = {"data": {"__schema": {"queryType": root("query"), "mutationType": root("mutation"), "subscriptionType": root("subscription"),
        "types": sorted(parsed.values(), key=lambda t: t["name"]), "directives": directives}}}
print(json.dumps(out, indent=1))
