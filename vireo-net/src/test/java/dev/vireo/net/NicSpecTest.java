package dev.vireo.net;

import dev.vireo.net.frame.MacAddress;
import dev.vireo.net.uplink.PortForward;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NicSpecTest {
    @Test
    void parsesEveryModeWithStableOrFixedMacs() {
        NicSpec nat = NicSpec.parse("nat,hostfwd=tcp:127.0.0.1:8080-:80,hostfwd=udp::5353-:53", "web");
        assertThat(nat.mode()).isInstanceOf(NicSpec.Mode.Nat.class);
        assertThat(((NicSpec.Mode.Nat) nat.mode()).forwards()).extracting(PortForward::hostPort).containsExactly(8080, 5353);
        assertThat(nat.mac()).isEqualTo(MacAddress.derive("web"));
        assertThat(nat.toString()).startsWith("nat,hostfwd=tcp:127.0.0.1:8080-:80,hostfwd=udp::5353-:53,mac=52:54:00:");

        assertThat(NicSpec.parse("switch=lab", "a").mode()).isEqualTo(new NicSpec.Mode.Switch("lab"));
        assertThat(NicSpec.parse("hostonly=ho1", "a").mode()).isEqualTo(new NicSpec.Mode.HostOnly("ho1"));
        assertThat(NicSpec.parse("bridge=br0,mac=52:54:00:aa:bb:cc", "a"))
                .isEqualTo(new NicSpec(new NicSpec.Mode.Bridge("br0"), MacAddress.parse("52:54:00:aa:bb:cc")));
        NicSpec limited = NicSpec.parse("switch=lab,rate=10M", "a");
        assertThat(limited.rate()).isEqualTo(10L << 20);
        assertThat(limited.toString()).isEqualTo("switch=lab,mac=" + MacAddress.format(MacAddress.derive("a")) + ",rate=10485760");
        assertThat(NicSpec.parse(limited.toString(), "other")).isEqualTo(limited);
        assertThat(NicSpec.parse("nat,rate=65536", "a").rate()).isEqualTo(65536);
        assertThat(NicSpec.parse("network=lab,rate=1G", "a").withMode(new NicSpec.Mode.Switch("lab")).rate()).isEqualTo(1L << 30);
        NicSpec named = NicSpec.parse("network=lab", "a");
        assertThat(named.mode()).isEqualTo(new NicSpec.Mode.Network("lab"));
        assertThat(named.toString()).isEqualTo("network=lab,mac=" + MacAddress.format(MacAddress.derive("a")));
        assertThat(named.withMode(new NicSpec.Mode.Switch("lab")).toString()).isEqualTo("switch=lab,mac=" + MacAddress.format(MacAddress.derive("a")));
    }

    @Test
    void rejectsMistakesWithTheFix() {
        assertThatThrownBy(() -> NicSpec.parse("switch=lab,nat", "a")).hasMessageContaining("two modes");
        assertThatThrownBy(() -> NicSpec.parse("switch=lab,hostfwd=tcp::1-:2", "a")).hasMessageContaining("only with nat");
        assertThatThrownBy(() -> NicSpec.parse("bridge=br0;reboot", "a")).hasMessageContaining("bridge name");
        assertThatThrownBy(() -> NicSpec.parse("nat,mac=01:00:00:00:00:01", "a")).hasMessageContaining("unicast");
        assertThatThrownBy(() -> NicSpec.parse("wifi", "a")).hasMessageContaining("unknown part 'wifi'");
        assertThatThrownBy(() -> NicSpec.parse("switch=../etc", "a")).hasMessageContaining("network name");
        assertThatThrownBy(() -> NicSpec.parse("network=../etc", "a")).hasMessageContaining("network name");
        assertThatThrownBy(() -> NicSpec.parse("nat,rate=fast", "a")).hasMessageContaining("give bytes per second such as 512K");
        assertThatThrownBy(() -> NicSpec.parse("nat,rate=1K", "a")).hasMessageContaining("below the minimum 64K");
        assertThatThrownBy(() -> NicSpec.parse("network=lab,hostfwd=tcp::1-:2", "a")).hasMessageContaining("only with nat");
    }
}
