package io.quiver.engine.catalog;

import java.io.Serializable;

/**
 * An index file built for one vector field of one segment, stored in the segment's directory.
 *
 * @param file the file name inside the segment directory
 * @param spec the spec it was built with
 * @param bytes its length, checked when a node loads it
 */
public record IndexFile(String file, IndexSpec spec, long bytes) implements Serializable {}
