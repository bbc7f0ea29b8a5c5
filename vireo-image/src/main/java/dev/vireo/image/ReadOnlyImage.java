package dev.vireo.image;

/** Base of the import-only formats (VMDK, VDI): every mutation fails with a message that says to convert. */
public abstract class ReadOnlyImage implements DiskImage {
    protected final String name;

    protected ReadOnlyImage(String name) { this.name = name; }

    @Override public final boolean readOnly() { return true; }

    private ImageException readOnlyError() {
        return new ImageException("'" + name + "' is read-only (import format); convert it to qcow2 with 'vireo img convert -O qcow2'");
    }

    @Override public final void write(long position, byte[] buffer, int offset, int length) throws ImageException { throw readOnlyError(); }

    @Override public final void flush() { }

    @Override public final void discard(long position, long length) throws ImageException { throw readOnlyError(); }

    @Override public final void writeZeroes(long position, long length, boolean mayUnmap) throws ImageException { throw readOnlyError(); }

    protected final void checkRange(long position, long length) throws ImageException {
        if (position < 0 || length < 0 || position + length > size())
            throw new ImageException("access [" + position + ", +" + length + ") is outside image '" + name + "' of " + size() + " bytes");
    }
}
