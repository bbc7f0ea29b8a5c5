package dev.vireo.cli.guest;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InitramfsPiecesTest {
    @Test
    void cpioEntriesAreNewcWithFourBytePadding() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CpioWriter cpio = new CpioWriter(out)) {
            cpio.file("init", 0755, "#!/bin/sh\n".getBytes(StandardCharsets.US_ASCII));
        }
        byte[] bytes = out.toByteArray();
        String text = new String(bytes, StandardCharsets.US_ASCII);
        assertThat(text).startsWith("070701");
        // mode field (8 hex digits after magic + inode) is a regular file 0755
        assertThat(text.substring(14, 22)).isEqualTo("000081ED");
        assertThat(text).contains("init\0").contains("TRAILER!!!\0");
        assertThat(bytes.length % 4).isZero();
    }

    @Test
    void readsDependsFromModinfo() {
        byte[] module = "\0\0license=GPL\0depends=virtio_ring,failover\0name=x\0".getBytes(StandardCharsets.US_ASCII);
        assertThat(InitramfsBuilder.depends(module)).containsExactly("virtio_ring", "failover");
        assertThat(InitramfsBuilder.depends("\0depends=\0".getBytes(StandardCharsets.US_ASCII))).isEmpty();
    }

    @Test
    void mirrorComesFromDeb822OrOneLineSourcesSkippingSecurity() {
        String deb822 = """
                Types: deb
                URIs: http://mirror.example/debian/
                Suites: bookworm bookworm-updates
                Components: main

                Types: deb
                URIs: http://mirror.example/debian-security
                Suites: bookworm-security
                """;
        assertThat(HostAptSources.fromDeb822(deb822)).containsExactly("http://mirror.example/debian");
        String list = """
                deb http://security.example/debian-security bookworm-security main
                deb [arch=amd64] http://ftp.example/debian bookworm main
                """;
        assertThat(HostAptSources.fromOneLineFormat(list)).isEqualTo(List.of("http://ftp.example/debian"));
    }
}
