package dev.vireo.cli.run;

import dev.vireo.kvm.KvmLauncher;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The KVM console's escape filter: the same keys as the RISC-V console's. */
class KvmForegroundTest {
    private static KvmForeground.EscapeInput input(String typed, KvmLauncher.Stopper stopper) {
        return new KvmForeground.EscapeInput(new ByteArrayInputStream(typed.getBytes(StandardCharsets.ISO_8859_1)), stopper);
    }

    @Test
    void ctrlAxStopsTheVmAndEndsTheInput() throws IOException {
        KvmLauncher.Stopper stopper = new KvmLauncher.Stopper();
        KvmForeground.EscapeInput in = input("ls\u0001xreboot", stopper);

        assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("ls");
        assertThat(stopper.requested()).isTrue();
    }

    @Test
    void ctrlACtrlASendsOneCtrlAAndOtherKeysPassThroughOneByteAtATime() throws IOException {
        KvmLauncher.Stopper stopper = new KvmLauncher.Stopper();
        KvmForeground.EscapeInput in = input("a\u0001\u0001b\u0001c", stopper);
        StringBuilder seen = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) seen.append((char) b);

        assertThat(seen.toString()).isEqualTo("a\u0001b\u0001c");
        assertThat(stopper.requested()).isFalse();
    }
}
