package dev.vireo.image;

import java.io.IOException;

/**
 * The one error type of {@code vireo-image}: a malformed, unsupported or misused image.
 * The message names the image and says what to do ("run 'vireo img check -r all'").
 * It is an {@link IOException} so that {@link DiskImage} callers handle it with I/O errors.
 */
public final class ImageException extends IOException {
    public ImageException(String message) { super(message); }

    public ImageException(String message, Throwable cause) { super(message, cause); }
}
