package dev.vireo.machine.virtio.input;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What a virtio-input device says about itself (virtio 1.2 §5.8.4): its name and serial
 * (ID_NAME, ID_SERIAL, at most 128 bytes each), its IDs (ID_DEVIDS, {@code struct input_id})
 * and the key codes it can send (EV_BITS for EV_KEY). No properties and no absolute axes.
 *
 * @param keys key codes (linux/input-event-codes.h), each below {@link InputEvents#KEY_CNT}
 */
public record InputConfig(String name, String serial, int bustype, int vendor, int product, int version, List<Integer> keys) {
    public InputConfig {
        keys = List.copyOf(keys);
        if (name.getBytes(StandardCharsets.UTF_8).length > 128 || serial.getBytes(StandardCharsets.UTF_8).length > 128) {
            throw new IllegalArgumentException("virtio-input name and serial fit in 128 bytes");
        }
        for (int key : keys) {
            if (key <= 0 || key >= InputEvents.KEY_CNT) throw new IllegalArgumentException("no such key code: " + key);
        }
    }

    /** A power button: EV_KEY with KEY_POWER only, as the ACPI power button driver reports it. */
    public static InputConfig powerButton() {
        return new InputConfig("Vireo Power Button", "vireo-power-0", InputEvents.BUS_VIRTUAL, 0x0001, 0x0001, 0x0001,
                List.of(InputEvents.KEY_POWER));
    }
}
