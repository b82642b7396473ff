/// A metric record.
public enum RecordsModule {}
