global using CoCreation.Sdk.Testing;
