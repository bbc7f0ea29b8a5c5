package dev.vireo.cli.guest;

/** Builds and finds the default guest (work in progress on main). */
final class GuestBuilder {
    private GuestBuilder() {}

    static DefaultGuest locate() {
        throw new dev.vireo.cli.VireoCliException("the default guest is not prepared; run: ./vireo guest prepare");
    }
}
