#!/usr/bin/env python3
"""Convert a lorawan-devices codec YAML file into the corpus examples.json.

Development tool only (not part of Lyrebird's runtime): it was used once to
build tests/codecs/corpus/*/examples.json from the codec.yaml stored next to
each decoder, and can be re-run to regenerate them:

    python3 tests/codecs/tools/yaml_to_examples.py tests/codecs/corpus

Needs PyYAML (Debian: python3-yaml). YAML is resolved with YAML 1.2 core
rules (as the device repository's own JavaScript tooling does): only
true/false are booleans, 0x.. is hex, 0o.. is octal, a leading zero does not
make a number octal, and dates stay strings.
"""
import json
import os
import re
import sys

import yaml


class Yaml12Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema implicit typing."""


Yaml12Loader.yaml_implicit_resolvers = {}
Yaml12Loader.add_implicit_resolver(
    'tag:yaml.org,2002:bool',
    re.compile(r'^(?:true|True|TRUE|false|False|FALSE)$'),
    list('tTfF'))
Yaml12Loader.add_implicit_resolver(
    'tag:yaml.org,2002:null',
    re.compile(r'^(?:~|null|Null|NULL|)$'),
    ['~', 'n', 'N', ''])
Yaml12Loader.add_implicit_resolver(
    'tag:yaml.org,2002:int',
    re.compile(r'^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$'),
    list('-+0123456789'))
Yaml12Loader.add_implicit_resolver(
    'tag:yaml.org,2002:float',
    re.compile(r'^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?'
               r'|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$'),
    list('-+.0123456789'))


def _int12(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith('0x'):
        return int(text[2:], 16)
    if text.startswith('0o'):
        return int(text[2:], 8)
    return int(text, 10)


def _float12(loader, node):
    text = loader.construct_scalar(node).lower()
    if text.endswith('.inf'):
        return float('-inf') if text.startswith('-') else float('inf')
    if text == '.nan':
        return float('nan')
    value = float(text)
    # keep integral values integral, as JSON/JavaScript would print them
    return int(value) if value.is_integer() and 'e' not in text else value


Yaml12Loader.add_constructor('tag:yaml.org,2002:int', _int12)
Yaml12Loader.add_constructor('tag:yaml.org,2002:float', _float12)


def _examples(section):
    if not isinstance(section, dict):
        return []
    out = []
    for ex in section.get('examples') or []:
        if not isinstance(ex, dict):
            continue
        item = {'description': ex.get('description', '')}
        item['input'] = ex.get('input', {})
        item['output'] = ex.get('output', {})
        out.append(item)
    return out


def convert(yaml_text):
    doc = yaml.load(yaml_text, Loader=Yaml12Loader) or {}
    up = _examples(doc.get('uplinkDecoder'))
    # an uplink example needs bytes and fPort to be runnable
    up = [e for e in up
          if isinstance(e['input'], dict) and 'bytes' in e['input']
          and 'fPort' in e['input'] and isinstance(e['output'], dict)]
    return {
        'uplink': up,
        'downlink_encode': _examples(doc.get('downlinkEncoder')),
        'downlink_decode': _examples(doc.get('downlinkDecoder')),
    }


def _dump(value, indent=0):
    """JSON with 2-space indentation, but lists of scalars (byte arrays)
    on one line so the files stay readable."""
    pad = '  ' * indent
    if isinstance(value, dict):
        if not value:
            return '{}'
        items = ['%s  %s: %s' % (pad, json.dumps(k, ensure_ascii=False),
                                 _dump(v, indent + 1))
                 for k, v in value.items()]
        return '{\n' + ',\n'.join(items) + '\n' + pad + '}'
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return '[' + ', '.join(json.dumps(v, ensure_ascii=False)
                                   for v in value) + ']'
        items = ['%s  %s' % (pad, _dump(v, indent + 1)) for v in value]
        return '[\n' + ',\n'.join(items) + '\n' + pad + ']'
    return json.dumps(value, ensure_ascii=False)


def main(argv):
    if len(argv) != 2:
        sys.stderr.write('usage: yaml_to_examples.py CORPUS_DIR\n')
        return 2
    root = argv[1]
    for name in sorted(os.listdir(root)):
        src = os.path.join(root, name, 'codec.yaml')
        if not os.path.isfile(src):
            continue
        with open(src, encoding='utf-8') as f:
            result = convert(f.read())
        with open(os.path.join(root, name, 'examples.json'), 'w',
                  encoding='utf-8') as f:
            f.write(_dump(result) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
