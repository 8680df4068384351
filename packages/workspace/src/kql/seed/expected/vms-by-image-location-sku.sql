SELECT DISTINCT Computer, AzureImageOffering, AzureLocation, AzureImageSku
FROM VMComputer
WHERE AzureLocation <> ''
