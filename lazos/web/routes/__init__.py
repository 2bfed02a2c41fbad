"""The API's routes, one module per group of resources."""
