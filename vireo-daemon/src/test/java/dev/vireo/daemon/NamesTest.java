package dev.vireo.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NamesTest {
    @ParameterizedTest
    @ValueSource(strings = {"web", "Web-1", "a", "db.primary", "x_y", "0abc"})
    void acceptsPlainNames(String name) {
        assertThat(Names.check("vm", name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../x", "a/b", "/etc", ".hidden", "-rf", "a..b", "semi;colon", "sp ace", "$(id)", "é",
            "a2345678901234567890123456789012345678901"})
    void rejectsTraversalHiddenAndShellCharacters(String name) {
        assertThatThrownBy(() -> Names.check("disk", name)).isInstanceOf(ApiException.class)
                .hasMessageContaining("is invalid").hasMessageContaining("no '/'")
                .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(400));
    }

    @Test
    void missingNameSaysWhatToGive() {
        assertThatThrownBy(() -> Names.check("vm", "")).hasMessage("vm name is missing; give a name such as 'web'");
    }

    @Test
    void controlCharactersAreNotEchoed() {
        assertThatThrownBy(() -> Names.check("vm", "a\u001b[2Jb")).hasMessageContaining("a?[2Jb");
    }
}
