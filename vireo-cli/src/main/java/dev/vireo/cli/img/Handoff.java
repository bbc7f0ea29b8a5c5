package dev.vireo.cli.img;

/**
 * A bounded first-in first-out hand-off between two threads (a convert's reader and writer),
 * waiting on the object's monitor.
 *
 * <p>Not {@code ArrayBlockingQueue}: its waits go through AQS conditions, which call
 * {@code ForkJoinPool.managedBlock}, so the first wait of the JVM initializes ForkJoinPool,
 * its common pool and the executor and thread-container classes (about 20 classes, read from
 * the JDK's image because the AOT training's small converts never wait), on the writer's path
 * to its first write.
 */
final class Handoff<T> {
    private final Object[] items;
    private int head, count;

    Handoff(int capacity) { items = new Object[capacity]; }

    /** Appends {@code item}, waiting while the hand-off is full; an interrupted thread gets InterruptedException, as from a BlockingQueue. */
    synchronized void put(T item) throws InterruptedException {
        if (Thread.interrupted()) throw new InterruptedException();
        while (count == items.length) wait();
        items[(head + count++) % items.length] = item;
        notifyAll();
    }

    /** Removes the oldest item, waiting while there is none. */
    @SuppressWarnings("unchecked")
    synchronized T take() throws InterruptedException {
        if (Thread.interrupted()) throw new InterruptedException();
        while (count == 0) wait();
        T item = (T) items[head];
        items[head] = null;
        head = (head + 1) % items.length;
        count--;
        notifyAll();
        return item;
    }
}
