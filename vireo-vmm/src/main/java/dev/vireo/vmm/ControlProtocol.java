package dev.vireo.vmm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The control socket's wire protocol: one JSON object per line each way.
 *
 * <pre>
 *  daemon                                  VMM
 *    │ {"op":"stats"}                     ──►│
 *    │◄── {"ok":true,"state":"running","uptimeMillis":1234,…}
 *    │ {"op":"pause"}                     ──►│   also: resume, stop (ask the guest),
 *    │◄── {"ok":true,"state":"paused"}        │         poweroff (hard), reboot
 *    │ {"op":"nonsense"}                  ──►│
 *    │◄── {"ok":false,"error":"unknown control operation 'nonsense'; …"}
 * </pre>
 * One request per connection is enough for the daemon; the VMM answers in order if more come.
 */
public final class ControlProtocol {
    public static final ObjectMapper JSON = new ObjectMapper();

    /** The closed set of control operations, each documented with when it is allowed. */
    public enum Operation {
        /** Always allowed: state and figures. */
        stats,
        /** Running → paused. */
        pause,
        /** Paused → running. */
        resume,
        /** Running or paused: asks the guest to shut down; {@code "accepted": false} when it cannot be asked. */
        stop,
        /** Any state: stops the machine now. */
        poweroff,
        /** Running or paused: resets the machine. */
        reboot
    }

    private ControlProtocol() {}

    public static ObjectNode ok(String state) {
        ObjectNode node = JSON.createObjectNode();
        node.put("ok", true);
        node.put("state", state);
        return node;
    }

    public static ObjectNode error(String message) {
        ObjectNode node = JSON.createObjectNode();
        node.put("ok", false);
        node.put("error", message);
        return node;
    }
}
