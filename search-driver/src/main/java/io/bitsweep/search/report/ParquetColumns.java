package io.bitsweep.search.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Some columns of a Parquet file, by name, whatever else its schema holds: for tables the report shows when a run
 * has them (sensitivity.parquet, the racing columns of evaluations.parquet), written by code that may add columns.
 * Values are String, Long, Double or Boolean; null where a row has none, and for NaN and infinities (which JSON
 * cannot hold).
 */
final class ParquetColumns {
    private ParquetColumns() {}

    /** The names of the file's top-level columns. */
    static List<String> names(Configuration conf, Path file) throws IOException {
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
            return r.getFooter().getFileMetaData().getSchema().getFields().stream().map(Type::getName).toList();
        }
    }

    /** Each row as column -> value, for the wanted columns the file has (in the order asked). */
    static List<Map<String, Object>> read(Configuration conf, Path file, List<String> wanted) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), file).withConf(conf).build()) {
            for (Group g = r.read(); g != null; g = r.read()) {
                MessageType schema = (MessageType) g.getType();
                Map<String, Object> row = new LinkedHashMap<>();
                for (String column : wanted) {
                    if (schema.containsField(column)) {
                        row.put(column, value(g, column));
                    }
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static Object value(Group g, String column) {
        if (g.getFieldRepetitionCount(column) == 0) {
            return null;
        }
        Type type = g.getType().getType(column);
        if (!type.isPrimitive()) {
            return null;
        }
        return switch (type.asPrimitiveType().getPrimitiveTypeName()) {
            case BINARY, FIXED_LEN_BYTE_ARRAY -> g.getString(column, 0);
            case INT32 -> (long) g.getInteger(column, 0);
            case INT64 -> g.getLong(column, 0);
            case DOUBLE -> finite(g.getDouble(column, 0));
            case FLOAT -> finite(g.getFloat(column, 0));
            case BOOLEAN -> g.getBoolean(column, 0);
            default -> null;
        };
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
