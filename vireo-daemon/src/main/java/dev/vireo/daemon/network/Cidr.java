package dev.vireo.daemon.network;

import dev.vireo.daemon.ApiException;
import dev.vireo.net.frame.Ipv4;

/** An IPv4 ADDR/PREFIX as given to {@code --dhcp} and {@code --subnet}; errors are 400s with an example. */
record Cidr(int address, int prefix) {
    static Cidr parse(String text, String option) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash < 0) throw ApiException.badRequest(option + " '" + text + "' needs ADDR/PREFIX, e.g. 10.10.0.1/24");
        int address, prefix;
        try {
            address = Ipv4.parse(text.substring(0, slash));
            prefix = Integer.parseInt(text.substring(slash + 1));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(option + " '" + text + "' is not ADDR/PREFIX, e.g. 10.10.0.1/24");
        }
        if (prefix < 8 || prefix > 29) throw ApiException.badRequest(option + " '" + text + "': the prefix must be 8 to 29, e.g. /24");
        int host = address & ~Ipv4.mask(prefix);
        if (host == 0 || host == ~Ipv4.mask(prefix)) {
            throw ApiException.badRequest(option + " '" + text + "' is the subnet's network or broadcast address; give a host address such as .1");
        }
        return new Cidr(address, prefix);
    }
}
