package io.quiver.engine.wal;

/** The operation a WAL record carries. Ids are fixed and written into every record header. */
public enum WalOp {
  INSERT(1),
  UPSERT(2),
  DELETE(3);

  private final int id;

  WalOp(int id) {
    this.id = id;
  }

  public int id() {
    return id;
  }

  public static WalOp fromId(int id) {
    for (WalOp op : values()) {
      if (op.id == id) {
        return op;
      }
    }
    throw new IllegalArgumentException("Unknown WAL op id " + id + ": expected 1 (insert), 2 (upsert) or 3 (delete)");
  }
}
