package jcri.snapshot;

/** Disk used by one snapshot's own directory. */
public record Usage(long bytes, long inodes) {
}
