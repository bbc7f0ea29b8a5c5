package dev.vireo.cli.img;

import java.util.List;
import java.util.Map;

/** Minimal JSON writer for {@code --output json}, indented the way qemu-img prints. */
final class Json {
    private Json() { }

    static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value, 0);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v, int indent) {
        switch (v) {
            case null -> b.append("null");
            case String s -> quote(b, s);
            case Number n -> b.append(n);
            case Boolean x -> b.append(x);
            case Map<?, ?> m -> {
                b.append("{");
                int i = 0;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    b.append(i++ == 0 ? "\n" : ",\n").append("    ".repeat(indent + 1));
                    quote(b, e.getKey().toString());
                    b.append(": ");
                    write(b, e.getValue(), indent + 1);
                }
                b.append(m.isEmpty() ? "}" : "\n" + "    ".repeat(indent) + "}");
            }
            case List<?> l -> {
                b.append("[");
                for (int i = 0; i < l.size(); i++) {
                    b.append(i == 0 ? "" : ",").append(l.get(i) instanceof Map<?, ?> ? " " : "");
                    write(b, l.get(i), indent);
                }
                b.append("]");
            }
            default -> quote(b, v.toString());
        }
    }

    private static void quote(StringBuilder b, String s) {
        b.append(dev.vireo.cli.Json.string(s));
    }
}
