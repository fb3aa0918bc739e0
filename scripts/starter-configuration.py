#!/usr/bin/env python3
"""Writes the starter's Pop3LiteComponentConfiguration from the component catalog.

    python3 scripts/starter-configuration.py

Run it after a component option changed (the build writes the catalog, camel-pop3lite's
pop3lite.json); Pop3LiteStarterMetadataTest fails until the starter has every option, with the
catalog's default. Camel's own starters are generated the same way, from the same JSON.
"""
import json
import pathlib
import textwrap

ROOT = pathlib.Path(__file__).resolve().parent.parent
CATALOG = ROOT / "camel-pop3lite/src/generated/resources/META-INF/io/github/pop3lite/component/pop3lite.json"
TARGET = ROOT / "camel-pop3lite-starter/src/main/java/io/github/pop3lite/springboot/Pop3LiteComponentConfiguration.java"

BOXED = {"boolean": "Boolean", "long": "Long", "int": "Integer", "java.lang.String": "String"}

HEADER = '''package io.github.pop3lite.springboot;

{imports}
import org.apache.camel.spring.boot.ComponentConfigurationPropertiesCommon;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The pop3lite component's options as {{@code camel.component.pop3lite.*}} properties. Written by
 * scripts/starter-configuration.py from the component catalog: descriptions and defaults are the
 * catalog's (Pop3LiteStarterMetadataTest keeps them in step). Unknown properties under the prefix
 * fail the application's start instead of being ignored.
 */
@ConfigurationProperties(prefix = "camel.component.pop3lite", ignoreUnknownFields = false)
public class Pop3LiteComponentConfiguration extends ComponentConfigurationPropertiesCommon {{
'''


def literal(java_type, value):
    if value is None:
        return None
    if java_type == "boolean":
        return "true" if value else "false"
    if java_type == "long":
        return f"{value}L"
    if java_type == "int":
        return str(value)
    if java_type == "java.lang.String":
        return json.dumps(str(value))
    return None


def main():
    options = json.loads(CATALOG.read_text())["componentProperties"]
    imports = sorted({o["javaType"] for o in options.values() if o["javaType"] not in BOXED})
    out = [HEADER.format(imports="\n".join(f"import {t};" for t in imports))]
    for name, o in options.items():
        java_type = o["javaType"]
        simple = BOXED.get(java_type, java_type.rsplit(".", 1)[-1])
        description = o["description"]
        if java_type not in BOXED:
            description += f" The option is a {java_type} type."
        doc = textwrap.wrap(description, 95)
        value = literal(java_type, o.get("defaultValue"))
        out.append("    /**")
        out.extend(f"     * {line}" for line in doc)
        out.append("     */")
        out.append(f"    private {simple} {name}" + (f" = {value};" if value is not None else ";"))
        out.append("")
    for name, o in options.items():
        simple = BOXED.get(o["javaType"], o["javaType"].rsplit(".", 1)[-1])
        cap = name[0].upper() + name[1:]
        out.append(f"    public {simple} get{cap}() {{\n        return {name};\n    }}\n")
        out.append(f"    public void set{cap}({simple} {name}) {{\n        this.{name} = {name};\n    }}\n")
    out[-1] = out[-1].rstrip("\n")
    out.append("}\n")
    TARGET.write_text("\n".join(out))


if __name__ == "__main__":
    main()
