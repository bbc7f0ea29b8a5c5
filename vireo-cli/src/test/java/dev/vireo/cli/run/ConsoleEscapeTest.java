package dev.vireo.cli.run;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleEscapeTest {
    private final ConsoleEscape escape = new ConsoleEscape();

    private byte[] filter(String s) {
        byte[] b = s.getBytes();
        return escape.filter(b, b.length);
    }

    @Test
    void ordinaryKeysPassThroughIncludingCtrlC() {
        assertThat(filter("ls\u0003\r")).isEqualTo("ls\u0003\r".getBytes());
        assertThat(escape.quitRequested()).isFalse();
    }

    @Test
    void ctrlAThenXQuitsAndDropsTheRest() {
        assertThat(filter("ab\u0001xcd")).isEqualTo("ab".getBytes());
        assertThat(escape.quitRequested()).isTrue();
    }

    @Test
    void ctrlATwiceSendsOneCtrlA() {
        assertThat(filter("\u0001\u0001z")).isEqualTo("\u0001z".getBytes());
    }

    @Test
    void escapeSpansReads() {
        assertThat(filter("\u0001")).isEmpty();
        assertThat(filter("x")).isEmpty();
        assertThat(escape.quitRequested()).isTrue();
    }

    @Test
    void ctrlAThenOtherKeySendsBoth() {
        assertThat(filter("\u0001c")).isEqualTo("\u0001c".getBytes());
    }
}
