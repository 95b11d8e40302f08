/**
 * Tables (kubectl's human output): the apiserver's printers ported for the built-ins people list most
 * ({@link dev.breakwater.cache.table.BuiltInTableConvertors}), CRD printer columns
 * ({@link dev.breakwater.cache.table.CustomResourceTableConvertor}, JSONPath as the CRD convertor evaluates
 * it), and the Table bodies of LISTs, GETs and watch events ({@link dev.breakwater.cache.table.TableEncoder},
 * {@link dev.breakwater.cache.table.TableWatchEncoder}, row cells memoized per object by
 * {@link dev.breakwater.cache.table.TableRowCells}).
 */
package dev.breakwater.cache.table;
